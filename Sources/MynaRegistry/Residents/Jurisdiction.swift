public import MynaCore

/// Which municipality a resident belongs to, said once for every module (issue 15): the
/// counter, the card office and the linkage network's municipal agencies all ask here.
///
/// A resident belongs to the municipality where they are registered (住民基本台帳法 第5条).
/// A move keeps them there until the destination completes it with a move-in (転入,
/// 第22条): the municipality left behind still holds the record, and the destination
/// serves the person it is about to receive — it finds them, and completes the move.
extension Resident {
    /// Whether the resident is registered in `municipality`: the municipality that changes
    /// their record and handles their card.
    public func isRegistered(in municipality: MunicipalityCode) -> Bool {
        facts.address.municipality == municipality
    }

    /// Whether `municipality` serves the resident: where they are registered and, while a
    /// move is pending, its destination as well.
    public func isServed(by municipality: MunicipalityCode) -> Bool {
        switch status {
        case .movedOut(let destination, _): isRegistered(in: municipality) || destination == municipality
        case .registered, .deceased: isRegistered(in: municipality)
        }
    }
}
