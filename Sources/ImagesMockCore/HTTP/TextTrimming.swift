extension StringProtocol where SubSequence == Substring {
    /// Without spaces and tabs at either end. Plain Swift: Foundation's `trimmingCharacters`
    /// goes through NSString and showed up at 5 % of a request in profiles.
    func trimmedSpacesAndTabs() -> Substring {
        let view = self[...]
        guard let first = view.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = view.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return view.prefix(0) }
        return view[first...last]
    }
}
