// chdb_run.js runs SQL statements in one session of an embedded current
// ClickHouse (chdb) for the tests (see chdbtest.go).
//
//   node chdb_run.js <statements.sql> <session dir>
//
// Statements are separated by a line holding only ";". For each statement it
// prints one JSON line to stdout and carries on after a failure, so that
// every failing statement is reported at once:
//   {"i": <index>, "ok": true, "rows": [<JSONEachRow objects>]}
//   {"i": <index>, "ok": false, "error": "<message>"}
"use strict";
const fs = require("fs");
const { Session } = require("chdb");

const [file, dir] = process.argv.slice(2);
if (!file || !dir) {
  console.error("usage: node chdb_run.js <statements.sql> <session dir>");
  process.exit(2);
}
const statements = fs
  .readFileSync(file, "utf8")
  .split(/^[ \t]*;[ \t]*$/m)
  .map((s) => s.trim())
  .filter((s) => s !== "");

const session = new Session(dir);
try {
  statements.forEach((sql, i) => {
    try {
      const out = session.query(sql, "JSONEachRow");
      const rows = String(out || "")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l));
      console.log(JSON.stringify({ i, ok: true, rows }));
    } catch (e) {
      console.log(JSON.stringify({ i, ok: false, error: String(e && e.message ? e.message : e) }));
    }
  });
} finally {
  session.close();
}
