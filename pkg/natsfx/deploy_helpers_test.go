package natsfx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// The sink test stores into a real ClickHouse; Main stops it at the end.
func TestMain(m *testing.M) { chtest.Main(m) }

// deployDir holds the NATS server configuration the deployments run.
const deployDir = "../../deploy/nats"

// deployUsers are the users of deploy/nats/accounts.conf with the
// passwords the tests give the server through its environment, as
// docker-compose and Kubernetes do.
var deployUsers = map[string]string{
	"admin":  "admin-pw-0f3a9c",
	"ingest": "ingest-pw-51be27",
	"scorer": "scorer-pw-9d04e1",
	"sink":   "sink-pw-c2786f",
	"quant":  "quant-pw-4a1d58",
}

// setDeployPasswords sets CW_NATS_<USER>_PASSWORD for every user.
func setDeployPasswords(t *testing.T) {
	for user, pw := range deployUsers {
		t.Setenv("CW_NATS_"+strings.ToUpper(user)+"_PASSWORD", pw)
	}
}

// loadDeployConfig parses a server configuration file with the users'
// passwords in the environment.
func loadDeployConfig(t *testing.T, path string) *server.Options {
	t.Helper()
	setDeployPasswords(t)
	opts, err := server.ProcessConfigFile(path)
	require.NoError(t, err)
	return opts
}

// startDeployServer runs a server with the options parsed from a deploy
// file, except that it listens on 127.0.0.1 and a random port, stores in a
// temporary directory, serves no monitoring port and does not log.
func startDeployServer(t *testing.T, opts *server.Options) *natstest.Server {
	t.Helper()
	return natstest.NewWithOptions(t, func(o *server.Options) {
		storeDir := o.StoreDir
		*o = *opts.Clone()
		o.Host, o.Port, o.HTTPPort = "127.0.0.1", server.RANDOM_PORT, 0
		o.StoreDir, o.NoLog, o.NoSigs = storeDir, true, true
	})
}

// startDeployNATS runs deploy/nats/nats.conf and creates the streams as the
// admin user, as `carrywatch migrate` does before the services start. It
// returns the server and a JetStream context of the admin.
func startDeployNATS(t *testing.T) (*natstest.Server, jetstream.JetStream) {
	t.Helper()
	srv := startDeployServer(t, loadDeployConfig(t, deployDir+"/nats.conf"))
	admin, _ := startBusAs(t, srv.URL, "admin")
	return srv, admin.JetStream()
}

// serviceConfig is the natsfx configuration a deployment gives the service
// running as user: its password, and for the service users
// CW_NATS_MANAGE_STREAMS=false and CW_NATS_INBOX_PREFIX=_INBOX_<user>.
// admin (the CLI) and quant name no prefix: natsfx derives _INBOX_<user>.
func serviceConfig(url, user string) natsfx.Config {
	cfg := natsfx.DefaultConfig()
	cfg.URL, cfg.User, cfg.Password = url, user, deployUsers[user]
	cfg.ConnectTimeout = 2 * time.Second
	switch user {
	case "ingest", "scorer", "sink":
		cfg.ManageStreams = false
		cfg.InboxPrefix = "_INBOX_" + user
	}
	return cfg
}

// startBusAs starts a Bus as user and stops it when the test ends. The
// returned buffer holds its debug log, where natsfx reports any error the
// server sends, permission violations included.
func startBusAs(t *testing.T, url, user string) (*natsfx.Bus, *logtest.Buffer) {
	t.Helper()
	log, logs := testLogger(t)
	bus := natsfx.New(serviceConfig(url, user), log)
	require.NoError(t, bus.Start(testContext(t)), "start bus as %s", user)
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	return bus, logs
}

// assertNoViolation checks that a service's log reports no refusal from
// the server.
func assertNoViolation(t *testing.T, name string, logs *logtest.Buffer) {
	t.Helper()
	out := logs.String()
	assert.False(t, strings.Contains(strings.ToLower(out), "permissions violation"),
		"%s was refused something its code does:\n%s", name, out)
}

// userConn is a connection of one user made with natsfx.Options, whose
// asynchronous errors (the server's permission violations) are kept.
type userConn struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	errs chan error
}

// connectAs connects as user with the service configuration of that user.
func connectAs(t *testing.T, url, user string) *userConn {
	t.Helper()
	log, _ := testLogger(t)
	opts, err := natsfx.Options(serviceConfig(url, user), log)
	require.NoError(t, err)
	c := &userConn{errs: make(chan error, 64)}
	opts = append(opts, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		select {
		case c.errs <- err:
		default:
		}
	}))
	c.nc, err = nats.Connect(url, opts...)
	require.NoError(t, err, "connect as %s", user)
	t.Cleanup(c.nc.Close)
	c.js, err = jetstream.New(c.nc)
	require.NoError(t, err)
	return c
}

// requireViolation waits for the server's refusal of subject.
func (c *userConn) requireViolation(t *testing.T, subject string) {
	t.Helper()
	select {
	case err := <-c.errs:
		require.ErrorIs(t, err, nats.ErrPermissionViolation)
		require.Contains(t, err.Error(), `"`+subject+`"`)
	case <-time.After(5 * time.Second):
		t.Fatalf("no permissions violation for %s within 5s", subject)
	}
}

// refusePublish publishes on subject and requires the server to refuse it.
func (c *userConn) refusePublish(t *testing.T, subject string) {
	t.Helper()
	require.NoError(t, c.nc.Publish(subject, []byte(`{}`)))
	require.NoError(t, c.nc.Flush())
	c.requireViolation(t, subject)
}

// refuseSubscribe subscribes to subject and requires the server to refuse
// it.
func (c *userConn) refuseSubscribe(t *testing.T, subject string) {
	t.Helper()
	sub, err := c.nc.SubscribeSync(subject)
	require.NoError(t, err)
	require.NoError(t, c.nc.Flush())
	c.requireViolation(t, subject)
	_ = sub.Unsubscribe()
}

// refuseRequest runs a JetStream API call that must fail because the
// server refuses the request subject.
func (c *userConn) refuseRequest(t *testing.T, subject string, call func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := call(ctx)
	require.Error(t, err, "the server answered %s", subject)
	c.requireViolation(t, subject)
}

// refusePull pulls the next message of the durable consumer of stream,
// which the server must refuse.
func (c *userConn) refusePull(t *testing.T, stream, consumer string) {
	t.Helper()
	c.refuseRequest(t, "$JS.API.CONSUMER.MSG.NEXT."+stream+"."+consumer, func(ctx context.Context) error {
		cons, err := c.js.Consumer(ctx, stream, consumer)
		if err != nil {
			return err
		}
		_, err = cons.Next(jetstream.FetchMaxWait(time.Second))
		return err
	})
}

// sealed returns ev sealed now, marshalled.
func sealed(t *testing.T, ev event.Event) []byte {
	t.Helper()
	event.Seal(ev, time.Now())
	data, err := event.Marshal(ev)
	require.NoError(t, err)
	return data
}

// riskPrint returns a risk print observed at second s of a fixed minute.
func riskPrint(t *testing.T, s int, index float64) []byte {
	t.Helper()
	return sealed(t, &event.RiskScore{
		Meta:  event.Meta{Source: "scorer", ObservedAt: time.Date(2025, 11, 28, 2, 40, s, 0, time.UTC)},
		Index: index, Regime: event.RegimeWatch, ModelVersion: "v1", CalibrationHash: "h",
		Watermark: event.Watermark{StreamSeq: uint64(s + 1)},
	})
}

// jgbYield returns a valid JGB yield event observed on day d of Nov 2025.
func jgbYield(t *testing.T, d int, pct float64) []byte {
	t.Helper()
	return sealed(t, &event.JGBYield{
		Meta:  event.Meta{Source: "test", ObservedAt: time.Date(2025, 11, d, 6, 0, 0, 0, time.UTC)},
		Tenor: "10Y", YieldPct: pct,
	})
}
