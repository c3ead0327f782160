// The system's SQLite (Debian's libsqlite3-dev), which MynaDatabase calls through the C API
// (Sources/MynaDatabase/Database/SQLiteHandle.swift says why).
#include <sqlite3.h>
