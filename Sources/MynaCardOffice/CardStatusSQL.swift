public import MynaCard

extension CardStatus {
    /// The statuses that satisfy `rule`, as an SQL list of literals for `status IN (…)`:
    /// how a statement over `cards` asks for live or issued cards without spelling the
    /// rule again (``CardStatus/isLive``, ``CardStatus/isIssued``).
    static func sqlList(_ rule: (CardStatus) -> Bool) -> String {
        allCases.filter(rule).map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}
