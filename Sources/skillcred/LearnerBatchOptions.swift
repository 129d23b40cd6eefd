import ArgumentParser

/// `--template` and `--recipients`: what `issue` and `offers create` both work from, one credential (or offer) per
/// recipients row.
struct LearnerBatchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The credential template (JSON, see samples/templates/).", valueName: "FILE"))
    var template: String

    @Option(
        name: .long,
        help: ArgumentHelp("The recipients CSV: id, givenName, familyName, and dateOfBirth, email, grade, date, free columns.", valueName: "CSV"))
    var recipients: String
}
