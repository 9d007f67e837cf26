extension Value {
    /// JSON text as Python's `json.dumps(…, indent=, sort_keys=, ensure_ascii=False)`
    /// writes it, so Drover's output can be diffed against Ansible's.
    public func jsonText(indent: Int? = nil, sortKeys: Bool = false) -> String {
        var options = JSONText.Options()
        options.indent = indent
        options.sortKeys = sortKeys
        options.ensureASCII = false
        return JSONText.encode(self, options)
    }

    /// Parses JSON text into a value; objects keep their key order.
    public static func parseJSON(_ text: String) throws -> Value {
        try JSONText.parse(text)
    }
}
