/// Prefix of a decoding-error description that Myna wrote itself and that never repeats
/// the input, so the API may show it to the client (every other decoding message is
/// replaced by a generic one, since Foundation's quote the offending value).
public let safeReasonMarker = "myna: "
