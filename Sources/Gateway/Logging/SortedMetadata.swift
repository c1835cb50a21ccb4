import Logging

/// One metadata entry of a log line.
struct MetadataEntry {
    /// The key.
    let key: String
    /// The value.
    let value: Logger.MetadataValue
}

extension Logger.Metadata {
    /// The entries ordered by key, for stable lines. An insertion sort over a struct array: a line has about ten
    /// entries, and `sorted(by:)` over the dictionary's key/value tuples cost ~7k instructions a line (tuple value
    /// witnesses, generic merge sort) in the per-request profile.
    var sortedEntries: [MetadataEntry] {
        var entries: [MetadataEntry] = []
        entries.reserveCapacity(count)
        for (key, value) in self {
            var index = entries.count
            while index > 0, key < entries[index - 1].key { index -= 1 }
            entries.insert(MetadataEntry(key: key, value: value), at: index)
        }
        return entries
    }
}
