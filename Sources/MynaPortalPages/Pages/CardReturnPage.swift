/// 返納 — what returning the card does and does not do. A fixed statement by Myna; the
/// return itself happens at the municipal counter.
public struct CardReturnPage: PortalPage {
    public static let templateName = "pages/card-return"

    public var title: PortalText { .key("card_return_title") }

    public init() {}
}
