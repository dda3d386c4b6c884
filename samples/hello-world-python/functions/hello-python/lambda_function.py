"""hello-python: greets whoever the event names (AWS Lambda python3.12 handler signature)."""


def lambda_handler(event, context):
    name = event.get("name") if isinstance(event, dict) else None
    if not isinstance(name, str) or name == "":
        name = "World"
    print(f"greeting {name}")
    return {"greeting": f"Hello, {name}!", "runtime": "python", "functionName": context.function_name}
