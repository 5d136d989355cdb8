package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

var (
	// ErrNotModified means the source answered 304: nothing new.
	ErrNotModified = errors.New("not modified")
	// ErrBodyTooLarge means the body exceeded the source's MaxBodyBytes.
	ErrBodyTooLarge = errors.New("body too large")
	// ErrHTTPStatus means the source answered with an unexpected status.
	ErrHTTPStatus = errors.New("unexpected http status")
)

// validators are the conditional-GET tokens of the last body parsed.
type validators struct {
	etag, lastModified string
}

// fetched is one body and the validators that came with it.
type fetched struct {
	body []byte
	val  validators
}

// fetch reads the source's body. For http(s) it sends If-None-Match and
// If-Modified-Since from val and returns ErrNotModified on 304. A body
// over MaxBodyBytes returns ErrBodyTooLarge with the first MaxBodyBytes in
// fetched.body. Other failures (network, timeout, non-2xx) are transient.
func fetch(ctx context.Context, client *http.Client, s Source, val validators) (fetched, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return fetched{}, fmt.Errorf("parse url: %w", err)
	}
	if u.Scheme == "file" {
		f, err := os.Open(u.Path)
		if err != nil {
			return fetched{}, fmt.Errorf("open %s: %w", u.Path, err)
		}
		defer func() { _ = f.Close() }()
		return readLimited(f, s.MaxBodyBytes, validators{})
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return fetched{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", "carrywatch/1 (+https://github.com/carrywatch/carrywatch)")
	for k, v := range s.Headers {
		req.Header.Set(k, v)
	}
	if val.etag != "" {
		req.Header.Set("If-None-Match", val.etag)
	}
	if val.lastModified != "" {
		req.Header.Set("If-Modified-Since", val.lastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fetched{}, fmt.Errorf("get %s: %w", u.Redacted(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return fetched{}, ErrNotModified
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return fetched{}, fmt.Errorf("get %s: %w %d", u.Redacted(), ErrHTTPStatus, resp.StatusCode)
	}
	return readLimited(resp.Body, s.MaxBodyBytes, validators{
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	})
}

func readLimited(r io.Reader, limit int64, val validators) (fetched, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fetched{}, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return fetched{body: body[:limit]}, fmt.Errorf("%w: over %d bytes", ErrBodyTooLarge, limit)
	}
	return fetched{body: body, val: val}, nil
}

// Read fetches location once, as a poll would: an http(s) URL or a file://
// URL, with the default timeout and body-size limit. A location without a
// scheme is a local file path.
func Read(ctx context.Context, location string) ([]byte, error) {
	u, err := url.Parse(location)
	if err != nil || u.Scheme == "" {
		abs, err := filepath.Abs(location)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", location, err)
		}
		u = &url.URL{Scheme: "file", Path: abs}
	}
	s := Source{URL: u.String()}.WithDefaults()
	f, err := fetch(ctx, http.DefaultClient, s, validators{})
	if err != nil {
		return nil, err
	}
	return f.body, nil
}
