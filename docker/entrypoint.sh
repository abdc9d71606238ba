#!/bin/sh
# mesh-dns container entrypoint: the launcher's JVM defaults (../mesh-dns), overridable with
# JAVA_OPTS (which replaces them, split into words on purpose), then the arguments as given.
# exec: SIGTERM reaches java directly (PID 1), and so does its exit code.
# The launcher's settings outside the heap too (see there; this image's JRE is a current 17).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec java -Djdk.nio.maxCachedBufferSize=262144 -XX:TrimNativeHeapInterval=5000 ${JAVA_OPTS:--XX:+UseSerialGC -Xms32m -Xmn16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:MarkSweepDeadRatio=0} \
    -jar /opt/mesh-dns/mesh-dns.jar "$@"
