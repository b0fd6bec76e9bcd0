"""The helpdesk (`MesaDeAyuda.asmx`) part of the contract suite."""
