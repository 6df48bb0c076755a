import Testing

@testable import RapportCore

@Suite("Import column mapping")
struct ImportMappingRulesTests {
    @Test("A column left as in the file whose header names a field chosen for another column gets a blank title")
    func asInFileYieldsToAChosenField() {
        let header = ImportMapping.header(["E-mail", "Почта2"], choices: [.asInFile, .field("email")], entity: .contacts)
        #expect(header == ["", "email"])
        #expect(ContactImport.mapColumns(header).map(\.column) == [1], "only the chosen column is read as e-mail")
        // A column that names no chosen field keeps its title.
        #expect(
            ImportMapping.header(["E-mail", "Город"], choices: [.asInFile, .field("phone")], entity: .contacts) == ["E-mail", "телефон"])
    }

    @Test("Skipped columns and fields the entity does not know get a blank title; missing choices are as in the file")
    func skippedAndUnknown() {
        let header = ImportMapping.header(["ФИО", "Телефон", "Город"], choices: [.skip, .field("inn")], entity: .contacts)
        #expect(header == ["", "", "Город"])
    }

    @Test("Every field of every entity, chosen for a column, is what the import then reads from it", arguments: ImportEntity.allCases)
    func everyFieldRoundTrips(entity: ImportEntity) {
        for field in ImportMapping.fields(for: entity) {
            let header = ImportMapping.header(["x"], choices: [.field(field)], entity: entity)
            #expect(ImportMapping.automatic(header, entity: entity) == [.field(field)], "\(entity) \(field) as \(header)")
        }
    }

    @Test("A form's values are the choices and back")
    func formValues() {
        for choice in [ImportMapping.Choice.asInFile, .skip, .field("email")] {
            #expect(ImportMapping.Choice(formValue: choice.formValue) == choice)
        }
    }
}
