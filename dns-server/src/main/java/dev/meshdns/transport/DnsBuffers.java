package dev.meshdns.transport;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer pool of the DNS channels (UDP and TCP: their reads and replies): pooled direct buffers
 * in chunks sized for DNS. Netty's default allocator is sized for bulk transfers (chunks of up to
 * 8 MiB, shared by every thread), which held about 11 MB at 100,000 services; this one holds one
 * 512 KiB chunk per event loop that has answered. Thread-safe (Netty's pooled allocator: an arena per
 * event loop, and a cache per event loop thread in front of it).
 */
final class DnsBuffers {
    private static final int PAGE_BYTES = 8192;
    /** 8 KiB << 6: 512 KiB chunks, room for a batch read buffer (4 x 64 KiB) and the replies of its batch. */
    private static final int MAX_ORDER = 6;
    static final int CHUNK_BYTES = PAGE_BYTES << MAX_ORDER;
    /** Netty's defaults: freed buffers each event loop thread keeps for its next allocation. */
    private static final int SMALL_CACHE_SIZE = 256;
    private static final int NORMAL_CACHE_SIZE = 64;

    /**
     * An arena per core plus one per TCP loop: enough that the default UDP loops (one per two cores)
     * and the TCP loops never share an arena's lock (more {@code --udp-threads} than cores share
     * arenas, which only costs contention); no heap arenas (the channels only take direct buffers);
     * caches only for Netty's threads, as in Netty's default.
     */
    static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 0,
            Runtime.getRuntime().availableProcessors() + DnsTransport.TCP_THREADS, PAGE_BYTES, MAX_ORDER,
            SMALL_CACHE_SIZE, NORMAL_CACHE_SIZE, false);

    private DnsBuffers() {
    }
}
