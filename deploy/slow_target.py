#!/usr/bin/env python3
"""A loopback HTTP target for measure-shutdown.sh: /fast answers at once, /slow after SLOW seconds (a probe in flight)."""
import asyncio, sys

SLOW = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0

async def handle(reader, writer):
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        if b" /slow" in request.split(b"\r\n", 1)[0]:
            await asyncio.sleep(SLOW)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    async with server:
        await server.serve_forever()

asyncio.run(main())
