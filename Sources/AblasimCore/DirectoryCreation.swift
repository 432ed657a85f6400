#if canImport(Glibc)
import Glibc
#endif

/// Creates a directory and its missing parents, one mkdir(2) at a time, so a failure says
/// which component could not be created and why (Foundation's message is only
/// "NSCocoaErrorDomain error 512"): a parent that is a regular file, a missing permission,
/// a read-only file system.
public enum DirectoryCreation {
    /// Creates `path` (and parents) when missing. Returns nil on success, otherwise the
    /// reason, naming the component at fault, e.g. "'out/a' is a file, not a directory".
    public static func create(_ path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var st = stat()
            if stat(prefix, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFDIR { continue }
                return "'\(prefix)' is a file, not a directory, so nothing can be created under it"
            }
            if errno == ENOTDIR { return "a parent of '\(prefix)' is not a directory" }
            if errno == EACCES && component != ".." {
                // stat itself failed: the parent cannot be searched.
                return "no permission to look into the folder holding '\(prefix)'"
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                let why = String(cString: strerror(errno))
                return "cannot create '\(prefix)': \(why)"
            }
        }
        return nil
    }

    /// Why files cannot be created in `dir`: the first component that is missing or a
    /// regular file; nil when `dir` is an existing directory.
    public static func diagnose(_ dir: String) -> String? {
        var prefix = dir.hasPrefix("/") ? "/" : ""
        for component in dir.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var st = stat()
            guard stat(prefix, &st) == 0 else { return "'\(prefix)' does not exist" }
            if (st.st_mode & S_IFMT) != S_IFDIR { return "'\(prefix)' is a file, not a directory" }
        }
        return nil
    }
}
