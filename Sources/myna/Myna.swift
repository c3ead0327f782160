import ArgumentParser
import MynaBench

@main
struct Myna: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "myna",
        abstract: "An open implementation of Japan's My Number system.",
        subcommands: [Serve.self, Demo.self, NumberCommand.self, ResidentCommand.self, StaffCommand.self, CACommand.self, CardCommand.self, RelyingPartyCommand.self, AgencyCommand.self, AllowListCommand.self, InspectCommand.self, LogCommand.self, CampaignCommand.self, MynapointCommand.self, KioskCommand.self, CertificateCommand.self, ClinicCommand.self, Bench.self])
}
