import Foundation
import RapportCore
import Testing

@Suite("vCard 3.0 cards of contacts")
struct VCardWriterTests {
    func contact() throws -> Contact {
        var contact = Contact(id: Contact.ID("c-1"), workspaceID: Workspace.ID("w"), now: Date(timeIntervalSince1970: 0), createdBy: nil)
        var input = ContactInput()
        input.fullName = "Иванов Пётр Сергеевич"
        input.phones = [PhoneInput(number: "8 912 345 67 89")]
        input.emails = [EmailInput(address: "petr@example.ru")]
        input.position = .set("Директор; по продажам, и маркетингу")
        input.tags = ["vip"]
        contact = try contact.applying(
            input, context: RecordContext(phoneRegion: .ru, customFields: [], now: Date(timeIntervalSince1970: 0)))
        return contact
    }

    @Test("A card with name parts, normalized phone, e-mail and escaped text")
    func card() throws {
        let card = VCardWriter.encode([try contact()])
        let expected = [
            "BEGIN:VCARD", "VERSION:3.0", "N:Иванов;Пётр;Сергеевич;;", "FN:Иванов Пётр Сергеевич", "TEL;TYPE=CELL:+79123456789",
            "EMAIL;TYPE=INTERNET:petr@example.ru", "TITLE:Директор\\; по продажам\\, и маркетингу", "CATEGORIES:vip", "UID:c-1",
            "END:VCARD",
        ]
        #expect(card == expected.joined(separator: "\r\n") + "\r\n")
    }

    @Test("Lines over 75 octets fold without splitting a Cyrillic letter")
    func folding() throws {
        var long = try contact()
        long.position = String(repeating: "Ж", count: 60)
        let card = VCardWriter.encode([long])
        let lines = card.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        let title = try #require(lines.firstIndex { $0.hasPrefix("TITLE:") })
        #expect(lines[title + 1].hasPrefix(" Ж"))
        #expect((lines[title] + lines[title + 1].dropFirst()) == "TITLE:" + String(repeating: "Ж", count: 60))
    }
}
