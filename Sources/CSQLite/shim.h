// The system's SQLite (Debian's libsqlite3-dev), which MynaStore calls through the C API
// (Sources/MynaStore/Database/SQLiteHandle.swift says why).
#include <sqlite3.h>
