extension ColumnBuilder {
    /// Appends `dictionary[i]` for each index straight into `out` (one resize, then a plain
    /// loop). Indices were checked against the dictionary size by `decodeIndices`; they are
    /// checked again here (a bad one traps instead of reading out of bounds).
    static func gather<T>(_ dictionary: ContiguousArray<T>, _ indices: ContiguousArray<UInt32>, zero: T,
                          into out: inout ContiguousArray<T>) {
        let base = out.count
        out.append(contentsOf: repeatElement(zero, count: indices.count))
        dictionary.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                indices.withUnsafeBufferPointer { idx in
                    for k in 0..<idx.count {
                        let i = Int(idx[k])
                        precondition(i < d.count)
                        o[base &+ k] = d[i]
                    }
                }
            }
        }
    }

    /// Appends one slot per level: the next dense value where the level is 1, `zero` where 0.
    /// Callers guarantee `dense.count` equals the number of 1 levels.
    static func scatter<T>(_ dense: ContiguousArray<T>, levels: ContiguousArray<UInt32>, zero: T,
                           into out: inout ContiguousArray<T>) {
        let base = out.count
        out.append(contentsOf: repeatElement(zero, count: levels.count))
        dense.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                levels.withUnsafeBufferPointer { lv in
                    var k = 0
                    for i in 0..<lv.count where lv[i] != 0 {
                        precondition(k < d.count)
                        o[base &+ i] = d[k]
                        k &+= 1
                    }
                }
            }
        }
    }

    /// Spreads the last `present` values of `a` (the page's, `present` = the 1 levels) over
    /// `rows` slots, `zero` where the level is 0.
    static func expand<T>(_ a: inout ContiguousArray<T>, levels: ContiguousArray<UInt32>, rows n: Int, zero: T) {
        let present = levels.reduce(0) { $0 + Int($1) }
        let base = a.count - present
        a.append(contentsOf: repeatElement(zero, count: n - present))
        var j = base + present - 1
        for i in stride(from: n - 1, through: 0, by: -1) {
            if levels[i] != 0 {
                a[base + i] = a[j]
                j -= 1
            } else {
                a[base + i] = zero
            }
        }
    }
}
