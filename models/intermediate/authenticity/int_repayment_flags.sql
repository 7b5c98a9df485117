{#- Placeholder until the authenticity rules land: no flags. -#}
select
    cast(null as {{ dbt.type_string() }}) as repayment_id,
    cast(null as {{ dbt.type_string() }}) as reason
where 1 = 0
