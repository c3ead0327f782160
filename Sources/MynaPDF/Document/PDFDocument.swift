/// A PDF 1.7 document (ISO 32000-1): pages plus the document information dictionary.
///
/// `serialized()` is a pure function of the value: no clock, no random file identifier, no
/// dictionary-order effects, so equal documents give byte-identical files.
public struct PDFDocument: Sendable, Hashable {
    /// The document information dictionary (ISO 32000-1 §14.3.3).
    public struct Info: Sendable, Hashable {
        public var title: String
        public var author: String?
        public var subject: String?
        /// Given by the caller so that output is deterministic.
        public var creationDate: PDFDate

        /// Always "Myna".
        public static let producer = "Myna"

        public init(title: String, author: String? = nil, subject: String? = nil, creationDate: PDFDate) {
            self.title = title
            self.author = author
            self.subject = subject
            self.creationDate = creationDate
        }
    }

    public var info: Info
    public private(set) var pages: [PDFPage]

    public init(info: Info, pages: [PDFPage] = []) {
        self.info = info
        self.pages = pages
    }

    public mutating func append(_ page: PDFPage) {
        pages.append(page)
    }

    /// The complete file, unsealed (`PDFDigitalSeal.seal` writes a sealed one).
    public func serialized() -> [UInt8] {
        PDFWriter(document: self).write()
    }
}
