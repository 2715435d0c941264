"""A small RTSP camera for tests and demos: GStreamer's RTSP server serving a
test pattern with the wall clock drawn in, like a camera's on-screen display.

Driven by rtsp-camera.ts. --gop sets the key frame interval in frames and holds back
each session's opening key frame, so a client waits a whole GOP for its first
decodable frame: the worst case of joining a "smart codec" camera mid-GOP.
--codec h265 serves H.265 instead (a codec phones cannot play in MSE). --shared serves
one pipeline to every client, so a client joins mid-GOP as with a real camera. --mode
stamp draws a moving bar and, in the top 16 rows, the wall-clock milliseconds of each
frame's capture as 32 black/white cells 10 px wide (most significant bit left), so a
player can tell how far behind the camera it is.
--protocols udp answers 461 Unsupported Transport to RTP over TCP, as VLC-based
streamers and some NVRs do (tcp refuses UDP instead).
Reads commands on stdin, one per line:
  mode live|black|frozen   switch the picture (new sessions; current ones are dropped)
It prints "READY <port>" once listening and "MODE <mode>" after a switch.
It exits when stdin closes, so it never outlives the process that started it.
"""

import argparse
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

CAPS = "video/x-raw,format=I420,width={w},height={h},framerate={fps}/1"
# Small, short GOP, one thread: cheap on a 2-core machine and quick to give a
# decodable key frame to a client that just joined.
ENCODE_H265 = (
    "x265enc tune=zerolatency speed-preset=ultrafast bitrate=256 key-int-max={gop} "
    "! h265parse name=parse config-interval=-1 ! rtph265pay name=pay0 pt=96 config-interval=1"
)
ENCODE = (
    "x264enc tune=zerolatency speed-preset=ultrafast threads=1 bitrate=256 key-int-max={gop} "
    # AVC caps carry SPS/PPS (the SDP's sprop) even when the key frame that brought them is dropped.
    "! h264parse name=parse ! video/x-h264,stream-format=avc,alignment=au "
    "! rtph264pay name=pay0 pt=96 config-interval=1"
)
OSD = 'font-desc="Sans Bold 30" halignment=left valignment=top shaded-background=true'
# A big seconds counter as well: any two frames a second or more apart differ
# by hundreds of pixels, so "the picture moves" is easy to tell from noise.
SECONDS = 'clockoverlay font-desc="Sans Bold 56" halignment=right valignment=bottom time-format="%S"'


def launch_line(mode, args):
    caps = CAPS.format(w=args.width, h=args.height, fps=args.fps)
    encode = (ENCODE_H265 if args.codec == "h265" else ENCODE).format(gop=args.gop or args.fps)
    if mode == "stamp":
        src = f"appsrc name=stamp is-live=true do-timestamp=true format=time caps={caps}"
    elif mode == "live":
        src = f'videotestsrc is-live=true pattern=smpte100 ! {caps} ! clockoverlay {OSD} time-format="%H:%M:%S" ! {SECONDS}'
    elif mode == "black":
        # A covered or dead sensor: the picture is black but the camera still draws its clock.
        src = f'videotestsrc is-live=true pattern=black ! {caps} ! clockoverlay {OSD} time-format="%H:%M:%S" ! {SECONDS}'
    elif mode == "frozen":
        # One frame, stamped with the time it froze, repeated for ever: identical across sessions.
        stamp = time.strftime("%H:%M:%S")
        seconds = SECONDS.replace("clockoverlay", "textoverlay").replace('time-format="%S"', f'text="{stamp[-2:]}"')
        src = (
            f"videotestsrc pattern=smpte100 num-buffers=1 ! {caps} ! textoverlay {OSD} text=\"{stamp}\" "
            f"! {seconds} ! imagefreeze is-live=true ! {caps}"
        )
    else:
        raise ValueError(mode)
    return f"( {src} ! {encode} )"


def feed_stamps(media, args):
    """Pushes frames into the stamp pipeline's appsrc at the frame rate, each with the
    wall-clock ms of its making drawn as 32 cells (see the module's docstring)."""
    src = media.get_element().get_by_name("stamp")
    w, h = args.width, args.height
    y_size = w * h
    base = bytearray([90]) * y_size + bytearray([128]) * (y_size // 2)
    state = {"n": 0}

    def push():
        frame = bytearray(base)
        ms = int(time.time() * 1000) & 0xFFFFFFFF
        for bit in range(32):
            value = 235 if (ms >> (31 - bit)) & 1 else 16
            cell = bytes([value]) * 10
            for row in range(16):
                at = row * w + bit * 10
                frame[at:at + 10] = cell
        x = (state["n"] * 8) % (w - 16)
        for row in range(24, h):
            frame[row * w + x:row * w + x + 16] = b"\xeb" * 16
        state["n"] += 1
        return src.emit("push-buffer", Gst.Buffer.new_wrapped(bytes(frame))) == Gst.FlowReturn.OK

    GLib.timeout_add(int(1000 / args.fps), push)


def hold_back_first_key_frame(media):
    """Each session's pipeline starts on a key frame, and again after every flush (the
    server seeks at PLAY); a camera with a long GOP gives a joining client none until the
    next one, so the key frame that opens a stream is dropped."""
    state = {"opening": True}

    def probe(_pad, info):
        if info.type & Gst.PadProbeType.EVENT_FLUSH:
            if info.get_event().type == Gst.EventType.FLUSH_STOP:
                state["opening"] = True
            return Gst.PadProbeReturn.OK
        buf = info.get_buffer()
        if state["opening"] and not buf.has_flags(Gst.BufferFlags.DELTA_UNIT):
            state["opening"] = False
            return Gst.PadProbeReturn.DROP
        return Gst.PadProbeReturn.OK

    parse = media.get_element().get_by_name("parse")
    parse.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.EVENT_FLUSH, probe)


def make_auth(args):
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "viewer")
    if args.auth == "digest":
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    auth.set_realm("IP Camera")
    return auth


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default="/stream1")
    parser.add_argument("--mode", default="live", choices=["live", "black", "frozen", "stamp"])
    parser.add_argument("--codec", default="h264", choices=["h264", "h265"])
    parser.add_argument("--shared", action="store_true")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=5)
    parser.add_argument("--gop", type=int, default=0, help="key frame interval in frames; 0: one a second")
    parser.add_argument("--protocols", choices=["all", "udp", "tcp"], default="all")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--auth", choices=["basic", "digest"], default="digest")
    args = parser.parse_args()

    Gst.init(None)
    loop = GLib.MainLoop()
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    # Not shared: each session builds its own pipeline from the current launch
    # line, so a mode switch reaches every client that connects afterwards.
    factory.set_shared(args.shared)
    factory.set_launch(launch_line(args.mode, args))
    if args.mode == "stamp":
        factory.connect("media-configure", lambda _f, media: feed_stamps(media, args))
    if args.gop > 0 and not args.shared:
        factory.connect("media-configure", lambda _f, media: hold_back_first_key_frame(media))
    if args.protocols == "udp":
        factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP)
    elif args.protocols == "tcp":
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
    if args.user is not None:
        server.set_auth(make_auth(args))
        perms = GstRtspServer.RTSPPermissions()
        perms.add_role_from_structure(
            Gst.Structure.new_from_string(
                "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
            )
        )
        factory.set_permissions(perms)
    server.get_mount_points().add_factory(args.path, factory)

    if server.attach(None) == 0:
        print("ERROR cannot listen", flush=True)
        sys.exit(2)
    # Sessions that time out are only reaped by an explicit pool cleanup.
    GLib.timeout_add_seconds(2, lambda: server.get_session_pool().cleanup() >= 0)

    def drop_clients():
        server.client_filter(lambda _s, _c, _d=None: GstRtspServer.RTSPFilterResult.REMOVE, None)

    def on_stdin(channel, condition):
        if condition & (GLib.IO_HUP | GLib.IO_ERR):
            loop.quit()
            return False
        line = channel.readline()
        if not line:
            loop.quit()
            return False
        parts = line.strip().split()
        if len(parts) == 2 and parts[0] == "mode" and parts[1] in ("live", "black", "frozen"):
            factory.set_launch(launch_line(parts[1], args))
            drop_clients()
            print(f"MODE {parts[1]}", flush=True)
        elif parts:
            print(f"ERROR unknown command {line.strip()}", flush=True)
        return True

    stdin = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(stdin, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)
    print(f"READY {server.get_bound_port()}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
