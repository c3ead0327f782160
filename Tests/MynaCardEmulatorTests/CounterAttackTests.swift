import Crypto
import Dispatch
import Foundation
import MynaCard
import Synchronization
import Testing
@testable import MynaCardEmulator

/// The retry counters, attacked through the card file. Before the counter record and the
/// lock, copying the card file back restored every try, and wrong PINs sent at the same
/// time each loaded the same counter and saved over one another, so fewer were counted.
@Suite struct CounterAttackTests {
    let directory: URL
    let key = SymmetricKey(size: .bits256)
    let counters: CardCounterStore
    let file: VirtualCardFile

    init() throws {
        directory = try Fixture.temporaryDirectory()
        counters = try Fixture.counters()
        file = try VirtualCardFile(url: directory.appendingPathComponent("card.myna"), deviceKey: key, counters: counters)
        try file.save(Fixture.card)
    }

    /// Another path holding a copy of the card file, as a thief would make one.
    func copyOfCard(named name: String) throws -> VirtualCardFile {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: file.url, to: url)
        return try VirtualCardFile(url: url, deviceKey: key, counters: counters)
    }

    @Test func restoringACopyOfTheCardFileDoesNotUnblockThePIN() throws {
        let before = try Data(contentsOf: file.url)
        for _ in 0..<3 { _ = try file.update { try $0.verify(pin: "0000", for: .authentication) } }
        #expect(try file.load().triesLeft(.authentication) == 0)

        try before.write(to: file.url)
        #expect(throws: VirtualCardFileError.rolledBack(file.url.path)) { try file.load() }
        #expect(throws: VirtualCardFileError.rolledBack(file.url.path)) {
            try file.update { try $0.verify(pin: Fixture.authenticationPIN, for: .authentication) }
        }
        // Through the reader as well: the card answers 65 81, never "verified" or tries left.
        let reader = CardReader(card: Fixture.card, file: file)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == .memoryFailure)
        _ = reader.send(APDU.selectEF(0x0017))
        #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo([1]))).status == .securityStatusNotSatisfied)
        // Removing the counter record as well does not help.
        try FileManager.default.removeItem(at: counters.directory.appendingPathComponent("\(Fixture.card.id).counter"))
        #expect(throws: VirtualCardFileError.counterStateMissing(counters.directory.path)) { try file.load() }
    }

    @Test func aCopyUsedAlongsideTheCardGetsNoExtraTries() throws {
        let copy = try copyOfCard(named: "copy.myna")
        #expect(try file.update { try $0.verify(pin: "WRONG1", for: .signature) } == .wrong(triesLeft: 4))
        // The copy is now behind the card: refused, and so cannot spend tries of its own.
        #expect(throws: VirtualCardFileError.rolledBack(copy.url.path)) { try copy.update { try $0.verify(pin: "WRONG2", for: .signature) } }
        #expect(try file.update { try $0.verify(pin: "WRONG3", for: .signature) } == .wrong(triesLeft: 3))
    }

    @Test func parallelWrongPINsAreAllCounted() throws {
        // Five threads, each a wrong signature password at the same moment: 5 tries, 5 counted.
        let outcomes = Mutex<[PINVerification]>([])
        DispatchQueue.concurrentPerform(iterations: 5) { index in
            let outcome = try? file.update { try $0.verify(pin: "WRONG\(index)", for: .signature) }
            outcomes.withLock { $0.append(outcome ?? .verified) }
        }
        #expect(try file.load().triesLeft(.signature) == 0)
        #expect(Set(outcomes.withLock { $0 }) == [.wrong(triesLeft: 4), .wrong(triesLeft: 3), .wrong(triesLeft: 2), .wrong(triesLeft: 1), .blocked])
    }

    /// Readers with the card inserted, each selected on the authentication PIN.
    func readers(_ files: [VirtualCardFile]) throws -> [CardReader] {
        try files.map { file in
            let reader = try CardReader(file: file)
            _ = reader.send(APDU.selectDF(JPKIApplication.aid))
            _ = reader.send(APDU.selectEF(0x0018))
            return reader
        }
    }

    /// Sends a wrong PIN from every reader at once; returns the status words.
    func wrongPINsAtOnce(_ readers: [CardReader]) -> [StatusWord] {
        let statuses = Mutex<[StatusWord]>([])
        DispatchQueue.concurrentPerform(iterations: readers.count) { index in
            let status = readers[index].send(APDU.verify("000\(index)")).status
            statuses.withLock { $0.append(status) }
        }
        return statuses.withLock { $0 }
    }

    @Test func parallelReadersAreAllCounted() throws {
        // Three readers with the card inserted (as three processes would have it), each
        // holding the card as it was when inserted, all sending a wrong PIN at once.
        let statuses = wrongPINsAtOnce(try readers([file, file, file]))
        #expect(Set(statuses) == [.wrongPIN(triesLeft: 2), .wrongPIN(triesLeft: 1), .pinBlocked])
        #expect(try file.load().triesLeft(.authentication) == 0)
    }

    @Test func parallelReadersOnCopiesOfTheCardLoseNoAttempt() throws {
        // Readers on the card and on two copies of its file at other paths: the first
        // attempt to be saved makes its file the card, the others' copies are then behind
        // it and refused (65 81). Every attempt is counted on the card or refused — none
        // is lost, and no copy carries tries of its own.
        let files = [file, try copyOfCard(named: "copy-1.myna"), try copyOfCard(named: "copy-2.myna")]
        let statuses = wrongPINsAtOnce(try readers(files + files))
        let counted = statuses.filter { $0 != .memoryFailure }.count
        let live = files.compactMap { try? $0.load() }
        #expect(live.count == 1)
        #expect(live.first?.triesLeft(.authentication) == 3 - counted)
        #expect(counted == 2)
        #expect(!statuses.contains(.ok))
    }

    @Test func aCrashBetweenTheTwoWritesLeavesAUsableCard() throws {
        // The card file is written before its counter record: put the record back one
        // version, as a crash between the writes would leave it. The card is taken, and
        // its record brought level.
        let record = counters.directory.appendingPathComponent("\(Fixture.card.id).counter")
        let earlier = try Data(contentsOf: record)
        _ = try file.update { try $0.verify(pin: "0000", for: .authentication) }
        try earlier.write(to: record)
        #expect(try file.load().triesLeft(.authentication) == 2)
        #expect(try Data(contentsOf: record) != earlier)
    }

    @Test func copyingBothTheCardFileAndItsRecordStillRollsBack() throws {
        // The emulator's limit (docs/cards.md): whoever copies the card file *and* its
        // counter record can put both back. A real chip keeps the counter in hardware.
        let record = counters.directory.appendingPathComponent("\(Fixture.card.id).counter")
        let (card, state) = (try Data(contentsOf: file.url), try Data(contentsOf: record))
        for _ in 0..<3 { _ = try file.update { try $0.verify(pin: "0000", for: .authentication) } }
        try card.write(to: file.url)
        try state.write(to: record)
        #expect(try file.load().triesLeft(.authentication) == 3)
    }

    @Test func aCardFileFromBeforeTheRecordIsAdoptedOnce() throws {
        // A file written before counter records existed has no version: its first load
        // records it; a copy of it put back after a change is then refused.
        let legacy = try VirtualCardFile(url: directory.appendingPathComponent("legacy.myna"), deviceKey: key, counters: try Fixture.counters())
        let box = try AES.GCM.seal(try JSONEncoder().encode(VirtualCardSnapshot(Fixture.card)), using: key, authenticating: VirtualCardFile.magic)
        try Data(VirtualCardFile.magic + Array(box.combined!)).write(to: legacy.url)
        let old = try Data(contentsOf: legacy.url)
        #expect(try legacy.update { try $0.verify(pin: "0000", for: .authentication) } == .wrong(triesLeft: 2))
        try old.write(to: legacy.url)
        #expect(throws: VirtualCardFileError.rolledBack(legacy.url.path)) { try legacy.load() }
    }
}
