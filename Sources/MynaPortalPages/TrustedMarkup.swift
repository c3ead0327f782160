/// Markup the server wrote itself and vouches for, put into a page as it is: the
/// statistics page's SVG charts, which MynaCharts writes escaping every label and value
/// in one place (its `SVGWriter`). Nothing a caller received may go in one.
///
/// Templates write it out only through `partials/trusted-markup`, the one template that
/// turns HTML escaping off (`{{%CONTENT_TYPE:TEXT}}`) and writes nothing but the value in
/// context; any other `{{…}}` escapes it like text.
public struct TrustedMarkup: Sendable, Hashable {
    public let markup: String

    public init(_ markup: String) { self.markup = markup }
}
