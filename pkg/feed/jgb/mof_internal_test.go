package jgb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadMoFShowaRow checks the format note's first real row,
// S49.9.24,10.327,…,8.127,-,-,-,-,-,- (10Y–40Y not yet issued), the oldest
// in jgbcm_all.csv and after the event model's 1970 floor, so ParseMoF turns
// its nine values into events: its "-" cells are read as absent, never zero.
func TestReadMoFShowaRow(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "mof_doc_sample_utf8.csv"))
	require.NoError(t, err)
	table, err := readMoF(body)
	require.NoError(t, err)
	require.Len(t, table.rows, 5)
	row := table.rows[0]
	assert.Equal(t, "S49.9.24", row.label)
	assert.Equal(t, 3, row.line)
	assert.Equal(t, "1974-09-24", row.date.Format("2006-01-02"))
	assert.Equal(t, []tenorValue{
		{"1Y", 10.327}, {"2Y", 9.362}, {"3Y", 8.83}, {"4Y", 8.515}, {"5Y", 8.348},
		{"6Y", 8.29}, {"7Y", 8.24}, {"8Y", 8.121}, {"9Y", 8.127},
	}, row.values, "no 10Y, 15Y, 20Y, 25Y, 30Y or 40Y value")
	for _, r := range table.rows[1:] {
		assert.Len(t, r.values, 15, r.label)
	}
}
