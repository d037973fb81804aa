/// How one top-level column of a Parquet file maps onto our `ColumnType`, decided once at
/// open from its `SchemaElement`.
///
/// Unsupported columns (INT96, DECIMAL, TIME, FLOAT16, UINT_64, nested groups, REPEATED
/// fields, FIXED_LEN_BYTE_ARRAY without UUID, …) are kept with the reason instead of failing
/// the open: they are left out of `ParquetFile.schema`, and reading one by name throws
/// `ColumnarError.unsupported` naming the column, so the other columns stay readable.
struct ParquetColumnDescriptor: Sendable {
    /// Conversion from the stored physical values to our column representation.
    enum Conversion: Sendable, Equatable {
        case none
        case uint32ToInt64     // INT32 UINT_8/16/32 -> .int64
        case millisToMicros    // INT64 TIMESTAMP(MILLIS) -> .timestampMicros
        case nanosToMicros     // INT64 TIMESTAMP(NANOS) -> .timestampMicros (floor)
    }

    var name: String
    /// Index of this column's chunk in `RowGroup.columns` (leaf order); -1 for groups.
    var leafIndex: Int
    var physical: PhysicalType
    var typeLength: Int
    var nullable: Bool
    var type: ColumnType?
    var conversion: Conversion = .none
    /// Why the column cannot be read (nil when `type` is set).
    var unsupportedReason: String?

    var field: Field? { type.map { Field(name, $0, nullable: nullable) } }

    /// Decides the mapping of a flat leaf. Logical type first, converted type as fallback.
    static func leaf(_ e: SchemaElement, leafIndex: Int) -> ParquetColumnDescriptor {
        var d = ParquetColumnDescriptor(name: e.name, leafIndex: leafIndex, physical: e.type ?? .int32,
                                        typeLength: Int(e.typeLength ?? 0),
                                        nullable: e.repetitionType == .optional)
        if e.repetitionType == .repeated {
            d.unsupportedReason = "REPEATED field"
            return d
        }
        let logical: LogicalType? = {
            switch e.logicalType {
            case .none, .unknown?, .other?: return nil
            case let l?: return l
            }
        }()
        let conv = e.convertedType
        func unsupported(_ what: String) -> ParquetColumnDescriptor {
            var u = d
            u.unsupportedReason = what
            return u
        }
        switch d.physical {
        case .boolean:
            d.type = .bool
        case .int32:
            if let logical {
                switch logical {
                case .date: d.type = .date
                case .integer(let width, let signed):
                    if signed && width <= 32 { d.type = .int32 } else if !signed && width <= 32 {
                        d.type = .int64
                        d.conversion = .uint32ToInt64
                    } else { return unsupported("INT32 with INT(\(width), \(signed))") }
                default: return unsupported("INT32 with logical type \(logical)")
                }
            } else if let conv {
                switch conv {
                case .date: d.type = .date
                case .int8, .int16, .int32: d.type = .int32
                case .uint8, .uint16, .uint32:
                    d.type = .int64
                    d.conversion = .uint32ToInt64
                default: return unsupported("INT32 with converted type \(conv.rawValue)")
                }
            } else {
                d.type = .int32
            }
        case .int64:
            if let logical {
                switch logical {
                case .timestamp(_, let unit):
                    d.type = .timestampMicros
                    d.conversion = unit == .millis ? .millisToMicros : unit == .nanos ? .nanosToMicros : .none
                case .integer(64, true): d.type = .int64
                default: return unsupported("INT64 with logical type \(logical)")
                }
            } else if let conv {
                switch conv {
                case .timestampMillis: d.type = .timestampMicros; d.conversion = .millisToMicros
                case .timestampMicros: d.type = .timestampMicros
                case .int64: d.type = .int64
                default: return unsupported("INT64 with converted type \(conv.rawValue)")
                }
            } else {
                d.type = .int64
            }
        case .float, .double:
            if let logical { return unsupported("\(d.physical) with logical type \(logical)") }
            d.type = .double
        case .byteArray:
            if let logical {
                switch logical {
                case .string, .json, .enumType: d.type = .string
                case .bson: d.type = .binary
                default: return unsupported("BYTE_ARRAY with logical type \(logical)")
                }
            } else if let conv {
                switch conv.rawValue {
                case 0, 4, 19: d.type = .string  // UTF8, ENUM, JSON
                case 20: d.type = .binary        // BSON
                default: return unsupported("BYTE_ARRAY with converted type \(conv.rawValue)")
                }
            } else {
                d.type = .binary
            }
        case .fixedLenByteArray:
            if logical == .uuid && d.typeLength == 16 { d.type = .uuid } else {
                return unsupported("FIXED_LEN_BYTE_ARRAY(\(d.typeLength))\(logical.map { " with \($0)" } ?? "")")
            }
        default:
            return unsupported("physical type \(d.physical)")
        }
        return d
    }

    /// Builds the column descriptors of a footer's schema (depth-first list, root first).
    /// Throws a reason string for a malformed tree (the caller wraps it as `.corrupt`).
    static func columns(of schema: [SchemaElement]) throws(DecodeError) -> (columns: [ParquetColumnDescriptor], leafCount: Int) {
        guard let root = schema.first else { throw DecodeError("empty schema") }
        guard let rootChildren = root.numChildren else { throw DecodeError("root SchemaElement has no num_children") }
        guard rootChildren >= 0, Int(rootChildren) < schema.count else {
            throw DecodeError("root num_children \(rootChildren) does not fit \(schema.count - 1) schema elements")
        }
        var out: [ParquetColumnDescriptor] = []
        var names = Set<String>()
        var index = 1
        var leaf = 0
        for _ in 0..<Int(rootChildren) {
            guard index < schema.count else { throw DecodeError("schema ends before all root children") }
            let e = schema[index]
            var d: ParquetColumnDescriptor
            if e.type == nil || (e.numChildren ?? 0) > 0 {
                // A group: consume its subtree, count its leaves.
                var pending = 1
                var leaves = 0
                while pending > 0 {
                    guard index < schema.count else { throw DecodeError("schema ends inside group '\(e.name)'") }
                    let g = schema[index]
                    index += 1
                    pending -= 1
                    let children = Int(g.numChildren ?? 0)
                    guard children >= 0, children <= schema.count - index else {
                        throw DecodeError("num_children \(children) of '\(g.name)' exceeds the schema")
                    }
                    if g.type == nil || children > 0 { pending += children } else { leaves += 1 }
                }
                d = ParquetColumnDescriptor(name: e.name, leafIndex: -1, physical: e.type ?? .int32, typeLength: 0,
                                            nullable: true, unsupportedReason: "nested group column")
                leaf += leaves
            } else {
                d = Self.leaf(e, leafIndex: leaf)
                index += 1
                leaf += 1
            }
            if names.contains(d.name) {
                d.type = nil
                d.unsupportedReason = "duplicate column name"
            }
            names.insert(d.name)
            out.append(d)
        }
        guard index == schema.count else {
            throw DecodeError("schema has \(schema.count - index) elements beyond the root's children")
        }
        return (out, leaf)
    }
}
