/// Lower-case hexadecimal: the one spelling of bytes as text (ids, JSON escapes, webhook signatures).
enum Hex {
    /// The ASCII digit of a value from 0 to 15.
    static func digit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }
}
