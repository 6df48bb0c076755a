import RapportCore
import Testing

@testable import RapportHTTP

/// The merge screen shows every field the merge rules let the user pick: a scalar field added in Core
/// without a label and value on the page would silently drop out of the screen.
@Suite struct MergeSheetTests {
    @Test func theMergeScreenShowsEveryScalarFieldOfBothKinds() {
        #expect(Set(MergeSheet.contactFields.keys) == Set(ContactMerge.scalarFields.map(\.key)))
        #expect(Set(MergeSheet.companyFields.keys) == Set(CompanyMerge.scalarFields.map(\.key)))
    }
}
