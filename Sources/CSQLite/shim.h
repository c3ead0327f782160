// The system's SQLite (Debian's libsqlite3-dev), which MynaDatabase calls through the C API
// (Sources/MynaDatabase/Database/SQLiteHandle.swift says why).
#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call. Before the library's first use:
// no memory statistics (Myna reads none, and keeping them takes a global mutex on every
// allocation, https://www.sqlite.org/c3ref/c_config_covering_index_scan.html#sqliteconfigmemstatus).
static inline int myna_sqlite3_configure(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
