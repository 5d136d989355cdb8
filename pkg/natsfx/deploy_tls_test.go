package natsfx_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// deployTLSDir is where nats-cluster-tls.conf expects the certificate, its
// key and the CA.
const deployTLSDir = "/etc/nats/tls/"

// testCA is a throw-away certificate authority and a server certificate it
// signed for 127.0.0.1 and localhost, written as tls.crt, tls.key and
// ca.crt in dir.
type testCA struct {
	dir    string
	caFile string
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "carrywatch test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "nats"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	write := func(name, blockType string, der []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600))
	}
	write("ca.crt", "CERTIFICATE", caDER)
	write("tls.crt", "CERTIFICATE", der)
	write("tls.key", "PRIVATE KEY", keyDER)
	return testCA{dir: dir, caFile: filepath.Join(dir, "ca.crt")}
}

// loadDeployTLSConfig parses the deploy's nats-cluster-tls.conf (and the
// files it includes) as a pod would, with the certificate directory
// /etc/nats/tls/ read from ca.dir instead: the files are copied unchanged
// but for that path.
func loadDeployTLSConfig(t *testing.T, ca testCA) *server.Options {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"accounts.conf", "nats-cluster.conf", "nats-cluster-tls.conf"} {
		data, err := os.ReadFile(filepath.Join(deployDir, name))
		require.NoError(t, err)
		if name == "nats-cluster-tls.conf" {
			text := string(data)
			for _, f := range []string{"tls.crt", "tls.key", "ca.crt"} {
				require.Contains(t, text, `"`+deployTLSDir+f+`"`)
			}
			data = []byte(strings.ReplaceAll(text, deployTLSDir, ca.dir+"/"))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	t.Setenv("POD_NAME", "nats-0")
	return loadDeployConfig(t, filepath.Join(dir, "nats-cluster-tls.conf"))
}

// A node of the TLS cluster accepts clients that trust its CA, and refuses
// clients that do not and clients that do not speak TLS.
func TestDeployTLSRequiresTrustedTLS(t *testing.T) {
	ca := newTestCA(t)
	opts := loadDeployTLSConfig(t, ca)
	require.NotNil(t, opts.TLSConfig, "TLS on client connections")
	assert.Equal(t, 2.0, opts.TLSTimeout)
	assert.Equal(t, "carrywatch", opts.Cluster.Name, "the cluster settings come from nats-cluster.conf")
	assert.Len(t, opts.Routes, 3)
	assert.True(t, opts.JetStream)

	// One node on its own: the other pods do not exist here.
	opts.Cluster = server.ClusterOpts{}
	opts.Routes = nil
	srv := startDeployServer(t, opts)
	require.True(t, strings.HasPrefix(srv.URL, "tls://"), srv.URL)

	t.Run("client trusting the CA", func(t *testing.T) {
		cfg := serviceConfig(srv.URL, "admin")
		cfg.TLSCAFile = ca.caFile
		log, logs := testLogger(t)
		bus := natsfx.New(cfg, log)
		require.NoError(t, bus.Start(testContext(t)), "connects and creates the streams over TLS")
		t.Cleanup(func() { _ = bus.Stop(context.Background()) })
		state, err := bus.Conn().TLSConnectionState()
		require.NoError(t, err)
		assert.True(t, state.HandshakeComplete)
		_, err = bus.JetStream().Publish(testContext(t), event.SubjectJGBYield("10Y"), jgbYield(t, 3, 1.701))
		require.NoError(t, err)
		assert.NotContains(t, logs.String(), deployUsers["admin"])

		quant := serviceConfig(strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), "quant")
		quant.TLSCAFile = ca.caFile
		qopts, err := natsfx.Options(quant, log)
		require.NoError(t, err)
		nc, err := nats.Connect(quant.URL, qopts...)
		require.NoError(t, err, "the certificate names localhost too")
		nc.Close()
	})

	t.Run("client without the CA", func(t *testing.T) {
		log, _ := testLogger(t)
		opts, err := natsfx.Options(serviceConfig(srv.URL, "admin"), log)
		require.NoError(t, err)
		_, err = nats.Connect(srv.URL, append(opts, nats.MaxReconnects(0))...)
		require.Error(t, err)
		var unknown x509.UnknownAuthorityError
		assert.ErrorAs(t, err, &unknown, "the server's certificate is not trusted: %v", err)
	})

	t.Run("plaintext client", func(t *testing.T) {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "tls://"), 5*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
		r := bufio.NewReader(conn)
		info, err := r.ReadString('\n')
		require.NoError(t, err)
		assert.Contains(t, info, `"tls_required":true`)

		_, err = io.WriteString(conn, `CONNECT {"user":"admin","pass":"`+deployUsers["admin"]+`","verbose":true,"tls_required":false}`+"\r\nPING\r\n")
		require.NoError(t, err)
		rest, err := io.ReadAll(r)
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			t.Fatalf("the server kept a plaintext connection open; read %q", rest)
		}
		assert.NotContains(t, string(rest), "+OK")
		assert.NotContains(t, string(rest), "PONG")
		// The server closes the connection, then removes the client: it is
		// gone soon after, not necessarily as the socket closes.
		assert.Eventually(t, func() bool { return srv.Srv.NumClients() == 0 }, 30*time.Second, 10*time.Millisecond,
			"no client stays connected")
	})
}
