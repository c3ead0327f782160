public import MynaCore

/// Turns the registry's internal sequence (0, 1, 2, …) into individual numbers.
///
/// 番号法 第8条 asks that a number differ from every other, retired ones included, and
/// show no regularity from which its source could be recovered. A keyed permutation of
/// the sequence gives both: distinct inputs give distinct outputs by construction, and
/// without the key the outputs look random. The check digit is appended per 総務省令
/// 第85号 第5条. The database's unique key on issued numbers remains the last guard.
public struct NumberIssuer: Sendable {
    private let permutation: FeistelPermutation

    /// `key` holds at least 16 bytes (the data directory's `numbering.key`).
    public init(key: [UInt8]) throws(FeistelPermutation.KeyError) {
        permutation = try FeistelPermutation(key: key)
    }

    public func number(forSequence sequence: UInt64) -> IndividualNumber {
        IndividualNumber(base: permutation.permute(sequence))
    }
}

/// Turns the same internal sequence into resident codes (住民票コード) under a key of
/// its own. The sources describe the code as ten random digits and a check digit; a
/// keyed permutation gives digits that are just as unpredictable without the key and,
/// unlike a random draw, never collide — so no lookup is needed before issuing one,
/// and two batches prepared at once cannot draw the same code. The number and the code
/// of one person come from the same sequence value through unrelated keys, so neither
/// can be derived from the other.
public struct ResidentCodeIssuer: Sendable {
    private let permutation: FeistelPermutation

    public init(key: [UInt8]) throws(FeistelPermutation.KeyError) {
        permutation = try FeistelPermutation(key: key, digits: 10)
    }

    /// `nil` once the sequence passes 10^10 (ten billion registrations).
    public func code(forSequence sequence: UInt64) -> ResidentCode? {
        guard sequence < permutation.domainSize else { return nil }
        return ResidentCode(base: permutation.permute(sequence))
    }
}
