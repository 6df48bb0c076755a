import RapportApp
import Testing

/// The environment a server starts from: values read, bad ones named, none half-applied.
@Suite struct ConfigurationTests {
    @Test func poolSettingsAreReadAndTheDefaultsKept() throws {
        let defaults = try Configuration.load(environment: [:])
        #expect(defaults.poolSize == 4)
        #expect(defaults.poolTimeoutSeconds == 10)

        let set = try Configuration.load(environment: ["RAPPORT_DB_POOL_SIZE": "12", "RAPPORT_DB_POOL_TIMEOUT": "45"])
        #expect(set.poolSize == 12)
        #expect(set.poolTimeoutSeconds == 45)

        // The command line wins over the environment.
        let option = try Configuration.load(environment: ["RAPPORT_DB_POOL_TIMEOUT": "45"], options: ["RAPPORT_DB_POOL_TIMEOUT": "3"])
        #expect(option.poolTimeoutSeconds == 3)
    }

    @Test(arguments: ["0", "601", "ten", "-5"])
    func aPoolTimeoutOutOfRangeIsRefusedByName(_ value: String) {
        #expect {
            try Configuration.load(environment: ["RAPPORT_DB_POOL_TIMEOUT": value])
        } throws: { error in
            guard let invalid = error as? Configuration.Invalid else { return false }
            return invalid.problems == ["RAPPORT_DB_POOL_TIMEOUT=\(value): expected a whole number from 1 to 600"]
        }
    }

    @Test func thePoolTimeoutIsInTheHelpAndNoVariableIsListedTwice() {
        let names = Configuration.environmentHelp.map(\.0)
        #expect(names.contains("RAPPORT_DB_POOL_TIMEOUT"))
        #expect(Set(names).count == names.count)
    }
}
