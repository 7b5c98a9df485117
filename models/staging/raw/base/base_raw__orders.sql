{{ config(materialized='view') }}

{{ commops.collapsed_raw('orders') }}
