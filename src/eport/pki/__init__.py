"""The authentication centre's CA: certificates for enterprises' operators, officers and banks."""
