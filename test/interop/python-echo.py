#!/usr/bin/python3
"""The interop echo service (see test/interop/harness/peer.ts) on Python's websockets (Debian's
python3-websockets, 10.x legacy asyncio API). Run with /usr/bin/python3; listens on 127.0.0.1,
port 0, and prints "PORT <n>" once listening. Then one JSON line per closed connection:
{"event": "close", "path": ..., "code": ..., "reason": ..., "received": <messages>}. Stops on SIGTERM."""

import asyncio
import json
import signal
import sys

import websockets


def report(**fields):
    print(json.dumps(fields), flush=True)


async def command(ws, text):
    name, _, arg = text.partition(" ")
    if name == "close":
        code, _, reason = arg.partition(" ")
        await ws.close(int(code or "1000"), reason)
    elif name == "abort":
        ws.transport.abort()
    elif name == "ping":
        waiter = await ws.ping(arg.encode("utf-8"))
        await waiter
        await ws.send("pong:" + arg)
    elif name == "fragments":
        # An iterable is sent as one fragmented message, one frame per item.
        await ws.send(arg.split(" "))
    else:
        await ws.send("unknown command " + name)


async def handler(ws):
    received = 0
    try:
        async for message in ws:
            received += 1
            try:
                if isinstance(message, str) and message.startswith("cmd:"):
                    await command(ws, message[4:])
                else:
                    await ws.send(message)
            except websockets.ConnectionClosed:
                # The client closed after sending more: keep counting what it sent before.
                pass
    except websockets.ConnectionClosed:
        pass
    finally:
        await ws.wait_closed()
        report(event="close", path=ws.path, code=ws.close_code, reason=ws.close_reason, received=received)


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(
        handler,
        "127.0.0.1",
        0,
        compression="deflate",
        subprotocols=["chat", "superchat"],
        max_size=None,
        ping_interval=None,
        close_timeout=5,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
