// Package fault is carrywatch's fault suite; it has only tests.
package fault
