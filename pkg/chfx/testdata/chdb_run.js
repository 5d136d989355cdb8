// chdb_run.js runs SQL statements on an embedded current ClickHouse (chdb)
// for pkg/chfx's tests.
//
//   node chdb_run.js <statements.sql> <session dir>
//
// Statements are separated by a line holding only ";" (the migration file
// format). For each statement it prints one JSON line to stdout:
//   {"i": <index>, "ok": true, "rows": [<JSONEachRow objects>]}
// and on the first failure {"i": …, "ok": false, "error": "…"} and exits 1.
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
let code = 0;
try {
  for (let i = 0; i < statements.length; i++) {
    let out;
    try {
      out = session.query(statements[i], "JSONEachRow");
    } catch (e) {
      console.log(JSON.stringify({ i, ok: false, error: String(e && e.message ? e.message : e) }));
      code = 1;
      break;
    }
    const rows = String(out || "")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l));
    console.log(JSON.stringify({ i, ok: true, rows }));
  }
} finally {
  session.close();
}
process.exit(code);
