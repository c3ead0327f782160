/// Compares two byte strings without returning at the first difference, so the time taken
/// does not tell an attacker how many leading bytes of a secret they guessed (CSRF tokens,
/// PKCE verifiers, client secrets, webhook signatures). Only the lengths can show, and
/// every value compared this way has a public, fixed length.
public func constantTimeEqual(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Bool {
    let left = Array(lhs)
    let right = Array(rhs)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
