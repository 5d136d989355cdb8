package event

// Hooks for the external tests of the strict decoder.
var (
	DecodeStrict         = decodeStrict
	DecodeReference      = decodeReference
	DecodeDraftReference = decodeDraftReference
)
