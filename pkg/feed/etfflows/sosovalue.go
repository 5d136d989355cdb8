package etfflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// NewSoSoValue returns the parser of SoSoValue's historical inflow JSON
// (POST https://api.sosovalue.xyz/openapi/v2/etf/historicalInflowChart with
// {"type":"us-btc-spot"}): {"code":0,"msg":…,"data":[…]}, or the same with
// the rows under data.list. Each row {"date":"2025-11-13",
// "totalNetInflow":…, "totalNetAssets":…, …} gives one TOTAL event for the
// day, FlowUSD = totalNetInflow and AUMUSD = totalNetAssets, both in US
// dollars (not millions), each a JSON number or a numeric string; a null,
// absent, empty or "-" totalNetInflow gives no event, and a null
// totalNetAssets no AUM. totalValueTraded and cumNetInflow are not carried.
//
// Params: "asset" (default "BTC"), or "type", the SoSoValue request type
// (us-btc-spot → BTC, us-eth-spot → ETH, …), and "source" (default
// "sosovalue"). It returns an error wrapping feed.ErrBadParam for any other
// parameter, an invalid value, or an asset and type that disagree. The
// parser's error wraps feed.ErrBadBody for an empty or non-JSON body, a code
// other than 0 (the message quotes msg), no data rows, a row without a valid
// date, a number that does not parse, and the row-level faults listed in the
// package documentation.
func NewSoSoValue(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatSoSoValue, SourceSoSoValue, params, paramType)
	if err != nil {
		return nil, err
	}
	if t, ok := params[paramType]; ok {
		m := reSoSoType.FindStringSubmatch(strings.ToLower(strings.TrimSpace(t)))
		if m == nil {
			return nil, fmt.Errorf("format %s: %w: type %q is not like us-btc-spot", FormatSoSoValue, feed.ErrBadParam, t)
		}
		asset, err := assetParam(FormatSoSoValue, paramType, m[1])
		if err != nil {
			return nil, err
		}
		if _, set := params[paramAsset]; set && asset != o.asset {
			return nil, fmt.Errorf("format %s: %w: type %q is asset %s but asset is %s", FormatSoSoValue, feed.ErrBadParam, t, asset, o.asset)
		}
		o.asset = asset
	}
	return parser(FormatSoSoValue, parseSoSoValue, o), nil
}

// sosoRow is one day of historicalInflowChart.
type sosoRow struct {
	Date           json.RawMessage `json:"date"`
	TotalNetInflow json.RawMessage `json:"totalNetInflow"`
	TotalNetAssets json.RawMessage `json:"totalNetAssets"`
}

func parseSoSoValue(c *collector, body []byte) error {
	body, err := feedtext.Trim(body)
	if err != nil {
		return err
	}
	var env struct {
		Code json.RawMessage `json:"code"`
		Msg  json.RawMessage `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("not a JSON object (body starts %q): %w", feedtext.Clip(string(bytes.TrimSpace(body)), 40), err)
	}
	if err := sosoCode(env.Code, env.Msg); err != nil {
		return err
	}
	rows, err := sosoRows(env.Data)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("no rows in data")
	}
	for i, raw := range rows {
		where := fmt.Sprintf("data row %d", i+1)
		var r sosoRow
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("%s: not an object: %w", where, err)
		}
		if r.Date == nil {
			return fmt.Errorf("%s: no date", where)
		}
		var date string
		if err := json.Unmarshal(r.Date, &date); err != nil {
			return fmt.Errorf("%s: date %s is not a string", where, feedtext.Clip(string(r.Date), 40))
		}
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return fmt.Errorf("%s: date %q is not YYYY-MM-DD", where, feedtext.Clip(date, 40))
		}
		where += " (" + date + ")"
		flow, ok, err := jsonAmount(r.TotalNetInflow)
		if err != nil {
			return fmt.Errorf("%s: totalNetInflow: %w", where, err)
		}
		aum, hasAUM, err := jsonAmount(r.TotalNetAssets)
		if err != nil {
			return fmt.Errorf("%s: totalNetAssets: %w", where, err)
		}
		if !ok || !c.tradeDay(d, where) {
			continue
		}
		flowUSD, err := flow.usd(0)
		if err != nil {
			return fmt.Errorf("%s: totalNetInflow: %w", where, err)
		}
		var aumUSD *float64
		if hasAUM {
			v, err := aum.usd(0)
			if err != nil {
				return fmt.Errorf("%s: totalNetAssets: %w", where, err)
			}
			aumUSD = &v
		}
		if err := c.add(where, "", d, event.TickerTotal, flowUSD, aumUSD); err != nil {
			return err
		}
	}
	return nil
}

// sosoCode checks the envelope's code: absent or 0 is success; anything
// else is an error quoting msg.
func sosoCode(code, msg json.RawMessage) error {
	if code == nil || string(code) == "null" {
		return nil
	}
	a, ok, err := jsonAmount(code)
	if err == nil && ok && a.coef == 0 {
		return nil
	}
	var m string
	if json.Unmarshal(msg, &m) != nil {
		m = string(msg)
	}
	return fmt.Errorf("SoSoValue answered code %s, msg %q", feedtext.Clip(string(code), 40), feedtext.Clip(m, 200))
}

// sosoRows returns the rows under data, an array or an object with a list
// array.
func sosoRows(data json.RawMessage) ([]json.RawMessage, error) {
	d := bytes.TrimSpace(data)
	switch {
	case len(d) == 0 || string(d) == "null":
		return nil, errors.New("no data")
	case d[0] == '[':
		var rows []json.RawMessage
		if err := json.Unmarshal(d, &rows); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		return rows, nil
	case d[0] == '{':
		var obj struct {
			List json.RawMessage `json:"list"`
		}
		if err := json.Unmarshal(d, &obj); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		if l := bytes.TrimSpace(obj.List); len(l) == 0 || l[0] != '[' {
			return nil, errors.New("data is an object without a list array")
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(obj.List, &rows); err != nil {
			return nil, fmt.Errorf("data.list: %w", err)
		}
		return rows, nil
	}
	return nil, fmt.Errorf("data is %s, not an array or an object with a list", feedtext.Clip(string(d), 40))
}

// jsonAmount reads a JSON value that is a number or a numeric string; ok is
// false for null, an absent value, "" or "-".
func jsonAmount(raw json.RawMessage) (a amount, ok bool, err error) {
	v := bytes.TrimSpace(raw)
	if len(v) == 0 || string(v) == "null" {
		return amount{}, false, nil
	}
	text := string(v)
	if v[0] == '"' {
		if err := json.Unmarshal(v, &text); err != nil {
			return amount{}, false, err
		}
		if t := strings.TrimSpace(text); t == "" || t == "-" {
			return amount{}, false, nil
		}
	} else if !json.Valid(v) || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return amount{}, false, fmt.Errorf("%s is not a number", feedtext.Clip(text, 40))
	}
	a, err = parseAmount(text)
	if err != nil {
		return amount{}, false, err
	}
	return a, true, nil
}
