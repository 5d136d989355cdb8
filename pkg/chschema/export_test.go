package chschema

// BookkeepingDDL exposes bookkeepingDDL to the golden and chdb tests.
var BookkeepingDDL = bookkeepingDDL
