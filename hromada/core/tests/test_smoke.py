def test_community_home_is_served_under_prefix(client, community):
    response = client.get("/c/kyiv/")
    assert response.status_code == 200
    assert "Kyiv City Community" in response.content.decode()
