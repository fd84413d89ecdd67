#!/usr/bin/env python3
"""Chat with the suite's LLM through the public API with the official `openai` client,
unmodified: its base URL is the gateway's mount of llm-proxy (`…/api/v1/llm/v1`) and its API
key is an access token (or an API key) of the suite.

    python examples/openai_chat.py --base-url http://localhost:8080/api/v1/llm/v1 --token "$TOKEN" --stream

Prints one JSON line: the text, and with --stream when each chunk arrived (seconds after the
request was sent), so a caller can see that the answer streamed rather than came in one piece.
"""
import argparse
import json
import time

from openai import OpenAI


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True, help="an access token or API key of the suite")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--prompt", default="Count from one to twenty in words, separated by commas.")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--timeout", type=float, default=900, help="seconds; one local model answers every caller in turn")
    args = parser.parse_args()

    client = OpenAI(base_url=args.base_url, api_key=args.token, timeout=args.timeout, max_retries=0)
    messages = [{"role": "user", "content": args.prompt}]
    started = time.monotonic()
    if not args.stream:
        answer = client.chat.completions.create(model=args.model, messages=messages, max_tokens=args.max_tokens)
        print(json.dumps({"text": answer.choices[0].message.content, "seconds": time.monotonic() - started}))
        return
    arrivals, text = [], []
    for chunk in client.chat.completions.create(model=args.model, messages=messages, max_tokens=args.max_tokens,
                                                stream=True):
        arrivals.append(time.monotonic() - started)
        if chunk.choices and chunk.choices[0].delta.content:
            text.append(chunk.choices[0].delta.content)
    print(json.dumps({"text": "".join(text), "arrivals": arrivals}))


if __name__ == "__main__":
    main()
