"""The app's Streamlit settings (.streamlit/config.toml) that its live loop depends on, each with the failure it
prevents (the file says why)."""
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_cache import populate_hash_if_needed


def _options():
    config.get_config_options(force_reparse=True)   # reads ./.streamlit/config.toml (pytest runs in the repo root)
    return config.get_option


def test_no_forward_message_cache():
    """A rerun's request lists the messages the browser caches, and the browser evicts them by script runs, which the
    live fragment advances several times a second: a reference could reach a browser that had just dropped the message
    ("Cached ForwardMsg MISS", a fatal connection error). Every message is sent whole: none is cacheable."""
    get = _options()
    assert get("global.minCachedMessageSize") >= 1e12
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "x" * 2_000_000   # a big chart's worth of bytes
    populate_hash_if_needed(msg)
    assert not msg.metadata.cacheable


def test_no_full_gc_after_every_run_and_no_fast_reruns():
    get = _options()
    assert get("runner.postScriptGC") is False and get("runner.fastReruns") is False
    assert get("server.fileWatcherType") == "none"
