package chlocal

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Option adds configuration to a server started by Start.
type Option func(*options)

type options struct {
	configFiles map[string][]byte // dir/config.d/<name>
	usersFiles  map[string][]byte // dir/users.d/<name>
	env         []string
	preferred   *ports
}

// WithPreferredPorts makes a server on a new dir listen on these native,
// HTTP and interserver ports, each one that is free (any free port stands
// in for one that is taken). A dir that has its ports keeps them.
func WithPreferredPorts(tcp, http, interserver int) Option {
	return func(o *options) { o.preferred = &ports{TCP: tcp, HTTP: http, Interserver: interserver} }
}

// WithConfigFile writes content to dir/config.d/name at every start; the
// server merges it into config.xml (files in name order). name must be a
// plain file name ending in .xml.
func WithConfigFile(name string, content []byte) Option {
	return func(o *options) { o.configFiles[name] = content }
}

// WithUsersFile writes content to dir/users.d/name at every start; the
// server merges it into users.xml, as it does with the users.d files of a
// packaged server. name must be a plain file name ending in .xml.
func WithUsersFile(name string, content []byte) Option {
	return func(o *options) { o.usersFiles[name] = content }
}

// WithEnv adds "KEY=value" entries to the server process's environment,
// for the from_env substitutions of its configuration files.
func WithEnv(env ...string) Option {
	return func(o *options) { o.env = append(o.env, env...) }
}

// validate checks that every extra file name is a plain .xml name, wrapping
// ErrInvalidOption if not.
func (o options) validate() error {
	for _, files := range []map[string][]byte{o.configFiles, o.usersFiles} {
		for name := range files {
			if name != filepath.Base(name) || filepath.Ext(name) != ".xml" || strings.HasPrefix(name, ".") {
				return fmt.Errorf("%w: configuration file name %q is not a plain name ending in .xml", ErrInvalidOption, name)
			}
		}
	}
	return nil
}
