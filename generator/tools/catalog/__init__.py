"""`falgen fetch catalog`: fal's OpenAPI document of every model, from fal's model API.

`api` lists models (`GET /v1/models`) through the bounded, retried `generator.tools.fetch.download`;
`store` plans and writes the folder of documents (`specs/sources/fal-openapi/`); `command` is the
CLI (`FetchWithCatalog` puts it under `falgen fetch`).
"""
