/// 自己情報 — my information: the basic facts of the resident record and every data item
/// that providers hold about the resident.
public struct HomePage: PortalPage {
    public static let templateName = "pages/home"

    /// 性別, as the resident record holds it (ISO/IEC 5218).
    public enum Sex: Sendable, Hashable, CaseIterable {
        case male, female, notKnown, notApplicable
    }

    /// One item a provider holds, with its fields as label/value pairs.
    public struct DataItem: Sendable, Hashable {
        public var itemLabel: String
        public var providerName: String
        public var updatedAt: String
        public var fields: [Field]

        public init(itemLabel: String, providerName: String, updatedAt: String, fields: [Field]) {
            self.itemLabel = itemLabel
            self.providerName = providerName
            self.updatedAt = updatedAt
            self.fields = fields
        }
    }

    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var name: String
    public var nameKana: String
    public var address: String
    public var dateOfBirth: String
    public var sex: Sex
    public var dataItems: [DataItem]

    public var title: PortalText { .key("home_title") }

    public init(name: String, nameKana: String, address: String, dateOfBirth: String, sex: Sex, dataItems: [DataItem]) {
        self.name = name
        self.nameKana = nameKana
        self.address = address
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.dataItems = dataItems
    }
}

extension HomePage.Sex: CatalogLabelled {
    var labelKey: String { "sex_\(self)" }
}
