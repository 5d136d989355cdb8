// Package event defines carrywatch's wire format: one Go type per message
// kind, the NATS subjects they travel on, their deterministic ids, and the
// validation every producer and consumer applies before trusting a message.
//
// Every event is a JSON object with the common fields of [Meta] (schema, id,
// source, observed_at, ingested_at) plus the fields of its kind. Units are
// stated in the field names: percent (_pct), basis points (_bp), US dollars
// (_usd) and probabilities in [0, 1].
package event
