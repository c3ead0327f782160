/// An error the resident may see. Only what is meant for them: never internal details.
public struct ErrorPage: PortalPage {
    public static let templateName = "pages/error"

    public var statusCode: Int
    public var title: PortalText
    public var message: PortalText

    public init(statusCode: Int, title: PortalText, message: PortalText) {
        self.statusCode = statusCode
        self.title = title
        self.message = message
    }

    public static let badRequest = ErrorPage(statusCode: 400, title: .key("error_400_title"), message: .key("error_400_message"))
    public static let forbidden = ErrorPage(statusCode: 403, title: .key("error_403_title"), message: .key("error_403_message"))
    public static let notFound = ErrorPage(statusCode: 404, title: .key("error_404_title"), message: .key("error_404_message"))
    public static let tooManyRequests = ErrorPage(
        statusCode: 429, title: .key("error_429_title"), message: .key("error_429_message"))
    public static let internalError = ErrorPage(
        statusCode: 500, title: .key("error_500_title"), message: .key("error_500_message"))
    public static let serviceUnavailable = ErrorPage(
        statusCode: 503, title: .key("error_503_title"), message: .key("error_503_message"))
}
