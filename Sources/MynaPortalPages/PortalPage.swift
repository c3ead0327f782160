/// A page of the portal: a view model whose stored properties the page's template reads.
///
/// View models hold plain values: `String`s already formatted by the caller (dates,
/// names), `Bool`s, `Int`s, arrays of row structs, optionals, `PortalText`, and small
/// enums whose labels come from the string catalog.
public protocol PortalPage: Sendable {
    /// Template name under `Templates/` without the `.mustache` extension.
    static var templateName: String { get }
    /// The page's title, shown in `<title>` and as the page's `<h1>` unless the layout
    /// overrides it.
    var title: PortalText { get }
}

/// An enum whose cases are shown with a label from the string catalog. The templates read
/// it as `{{field.label}}`; `{{field.case}}` gives the case name for a CSS class.
protocol CatalogLabelled: CaseIterable {
    var labelKey: String { get }
}

/// Values a view model adds for its template beyond its stored properties: things derived
/// from them (an error summary, a URL-safe id), so callers cannot set them inconsistently.
protocol TemplateExtras {
    var templateExtras: [String: Any] { get }
}
