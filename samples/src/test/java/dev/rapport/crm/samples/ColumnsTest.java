package dev.rapport.crm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnsTest {

  @Test
  void chineseJapaneseAndKoreanTakeTwoColumnsAndMarksNone() {
    assertThat(Columns.width("王伟")).isEqualTo(4);
    assertThat(Columns.width("佐藤 翔太")).isEqualTo(9);
    assertThat(Columns.width("김민준")).isEqualTo(6);
    assertThat(Columns.width("e\u0301cole")).isEqualTo(5);
    assertThat(Columns.width("Ada")).isEqualTo(3);
  }

  @Test
  void cellsLineUpWhateverTheScript() {
    for (String name : new String[] {"王伟", "佐藤 翔太", "Ada Lovelace", "东方电子科技有限公司上海分公司", "x".repeat(40)}) {
      assertThat(Columns.width(Columns.fit(name, 12))).as(name).isEqualTo(12);
    }
    assertThat(Columns.fit("王伟", 6)).isEqualTo("王伟  ");
    assertThat(Columns.fit("东方电子科技有限公司", 9)).isEqualTo("东方电子…");
    assertThat(Columns.fit("Ada", 3)).isEqualTo("Ada");
    assertThat(Columns.fit("Adam", 3)).isEqualTo("Ad…");
  }
}
